from tests.portal.test_settings import CONFIGURATION_ERROR, PRODUCTION_ENV, manage


def test_private_files_cannot_be_put_in_the_public_media_folder(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "media" / "private"),
    }
    result = manage("check", **env)
    assert result.returncode == CONFIGURATION_ERROR
    assert result.stderr.strip() == (
        "Tawasul configuration error: PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT or the "
        "static folders (they are public)."
    )


def test_private_folder_beside_media_is_accepted(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    assert manage("check", **env).returncode == 0
